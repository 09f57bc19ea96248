/** What every imported recording's labels say about where the data and its truth come from. */
export interface DatasetProvenance {
  source: 'imported';
  dataset: string;
  title: string;
  citation: string;
  license: string;
  repository: string;
  commit: string;
  /** Other commits the README names (initial or raw-file commits). */
  otherCommits?: string[];
  files: string[];
  groundTruth: string;
  conversion: string;
  caveats?: string;
}

export const UCI_PTE: Omit<DatasetProvenance, 'files' | 'groundTruth'> = {
  source: 'imported',
  dataset: 'uci_pte_leg_exercises',
  title: 'UCI Physical Therapy Exercises (PTE), leg-exercise subset',
  citation:
    'A. Yurtman, B. Barshan, "Automated evaluation of physical therapy exercises using multi-template dynamic time warping on wearable sensor signals", Computer Methods and Programs in Biomedicine 117(2):189–207, 2014, doi:10.1016/j.cmpb.2014.07.003. Dataset: Yurtman & Barshan (2022), UCI ML Repository #730, doi:10.24432/C5JK60.',
  license: 'CC BY 4.0',
  repository: 'github.com/LiamCHayes/pt_classification (mirror of UCI #730)',
  commit: 'c4744ba3471907a82f42ebb6f7c08f4af0ed099e',
  otherCommits: ['6b8cfccbd42e63c3fe3439ca71f52056b7e7f421'],
  conversion:
    'hamstream import: one sample event per unit per row; acc m/s² as given, gyro rad/s × 180/π → deg/s (4 decimals), t = (time_index − 1) × 40 ms; magnetometer dropped (the format has no field for it). No filtering or resampling.',
  caveats:
    'Xsens MTx at 25 Hz, filtered by the Xsens software. Axes differ between subjects. No joint-angle truth (romDeg null). Block starts are nominal (0/100/160 s).',
};

export const ALCANTARA: Omit<DatasetProvenance, 'files' | 'groundTruth'> = {
  source: 'imported',
  dataset: 'alcantara_sacral_running_grf',
  title: 'Treadmill running: sacral accelerometer with force-treadmill GRF (Alcantara et al.)',
  citation:
    'R. S. Alcantara, W. B. Edwards, G. Y. Millet, A. M. Grabowski, "Predicting continuous ground reaction forces from accelerometers during uphill and downhill running: a recurrent neural network solution", PeerJ (2022), article 12752.',
  license: 'Apache-2.0',
  repository: 'github.com/alcantarar/Recurrent_GRF_Prediction',
  commit: '8f21836746b4e791e8e9314d041bb8e09641dd1d',
  otherCommits: ['4e4f7b565fb4d711e7b5e9d1f3184fed0407a39f'],
  conversion:
    'hamstream import: one recording per trial (4.96 s at 500 Hz); acc = [anteroposterior, 0, vertical] × 9.80665 (values are in g with gravity included: mean vertical ≈ 1.2 g with the flight phase clipped at 0; the biaxial sensor has no mediolateral axis, written as 0). The GRF stays in the labels only.',
  caveats:
    'One runner, sacrum only, 20 Hz low-pass, negative vertical values clipped to 0 by the authors; trials start mid-stride and last 4.96 s.',
};

export const OXFORD: Omit<DatasetProvenance, 'files' | 'groundTruth'> = {
  source: 'imported',
  dataset: 'oxford_stepcounter_walking',
  title: 'Oxford Step Counter validation traces (walking, smartphone accelerometer)',
  citation:
    'D. Salvi, C. Velardo, J. Brinkley, L. Tarassenko, "An optimised algorithm for accurate steps counting from smart-phone accelerometry", Proc. IEEE EMBC 2018 (venue and year as given by the dataset README, unverified).',
  license: 'CC BY 4.0',
  repository: 'github.com/Oxford-step-counter/DataSet (validation/)',
  commit: '922cc0d8511a7189f7a667d173c21e9472729603',
  conversion:
    'hamstream import: one sample event per accelerometer event (irregular Android timing, ~100 Hz), acc m/s² with gravity in the phone frame; the phone pedometer and app columns are not carried over.',
  caveats:
    'Walking only; phone accelerometer only; GT step times are when the GT count reached the phone log (may lag heel strikes): use them for counts and cadence over windows, not event timing.',
};
